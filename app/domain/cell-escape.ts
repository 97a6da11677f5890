/**
 * Formula-injection guard for spreadsheet exports: a text cell starting with = + - @ (or a tab or
 * carriage return, which some programs strip before parsing) would be taken as a formula by Excel
 * or LibreOffice. Such text is prefixed with an apostrophe, so it shows as plain text.
 */
const DANGEROUS = /^[=+\-@\t\r]/;

export function escapeCell(text: string): string {
  return DANGEROUS.test(text) ? `'${text}` : text;
}
