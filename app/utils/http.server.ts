/** Responses thrown by guards and services; the root ErrorBoundary renders them in Chinese. */
export function forbidden(message = "您无权访问此页面或执行此操作。"): Response {
  return new Response(message, { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export function notFound(message = "您要找的内容不存在。"): Response {
  return new Response(message, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export function badRequest(message: string): Response {
  return new Response(message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** Parse a positive integer id from a route param; anything else is a 404. */
export function parseId(value: string | undefined): number {
  if (!value || !/^[1-9][0-9]{0,15}$/.test(value)) throw notFound();
  return Number(value);
}
