/**
 * @module newsroom/desk/sign-outs
 * Signing out for real. A session cookie is signed, not stored, so clearing it in one browser would
 * leave any copy of it valid until it expires. Each session has an id; signing out records it
 * (`desk_sign_outs`, through data/auth.ts), and the desk refuses a recorded id. Only sessions that
 * ended early are kept, and only until they would have expired, so the table stays small.
 */

export { hasSignedOut, recordSignOut } from "../../data/auth";
