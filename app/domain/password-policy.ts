/** Minimum length of a password, shown in forms and enforced on the server. */
export const MIN_PASSWORD_LENGTH = 8;
