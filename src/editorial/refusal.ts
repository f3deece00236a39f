/**
 * @module editorial/refusal
 * An expected failure of an editorial workflow, as a value: its status, what went wrong, and each
 * field with its problem. The API answers it as it is (newsroom/api-input.ts's `refusal`).
 */
import type { FieldProblem } from "../core/schema";

export type Refusal = { ok: false; status: 400 | 404 | 409 | 412; error: string; details: FieldProblem[] };
