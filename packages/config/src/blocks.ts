// One zod shape per concern. Services compose the blocks they need:
//   z.object({ ...logBlock, ...postgresBlock, ...kafkaBlock })
// Every key is the environment variable's name; the comment says why it exists. The blocks live in
// one file per concern (infra, Meta, services); this module gathers them all.

export * from './infra.blocks.ts';
export * from './meta.blocks.ts';
export * from './service.blocks.ts';
