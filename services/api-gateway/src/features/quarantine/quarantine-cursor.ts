import { idCursor } from '../../shared/id-cursor.ts';

/** GET /admin/spool/quarantine pages by quarantine row id. */
export const quarantineCursor = idCursor({ maxDigits: 15 });
