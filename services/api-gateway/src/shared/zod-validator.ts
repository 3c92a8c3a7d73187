import type { FastifySchemaCompiler } from 'fastify';
import { type $ZodErrorMap, type $ZodType, safeParse } from 'zod/v4/core';

/**
 * A missing field says `required`, not zod's "expected string, received undefined"; every other
 * issue keeps zod's message. https://zod.dev/error-customization
 */
const messages: $ZodErrorMap = (issue) =>
  issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined;

/**
 * fastify-type-provider-zod's validatorCompiler with {@link messages}. Each issue becomes the
 * `{instancePath, message}` item fastify's validation errors carry, which the error handler turns
 * into `issues: [{path: 'body.name', message}]`.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<$ZodType> =
  ({ schema }) =>
  (data) => {
    const result = safeParse(schema, data, { error: messages });
    if (result.success) return { value: result.data };
    return {
      error: result.error.issues.map((issue) => ({
        keyword: issue.code,
        instancePath: `/${issue.path.join('/')}`,
        schemaPath: `#/${issue.path.join('/')}/${issue.code}`,
        message: issue.message,
        params: {},
      })),
    };
  };
