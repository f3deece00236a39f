/**
 * @module core/roles
 * The newsroom's four roles, each able to do everything the one before it can. What each may do is
 * newsroom/permissions.ts; the list is here so the data layer can check a stored role.
 */
export const ROLES = ["contributor", "editor", "standards", "admin"] as const;
export type Role = (typeof ROLES)[number];
