import { idCursor } from '../../shared/id-cursor.ts';

/** GET /admin/dlq pages by dead letter id (bigint). */
export const dlqCursor = idCursor({ maxDigits: 18 });
