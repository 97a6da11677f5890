import type { MouseEvent } from "react";
import { useLocation, useNavigate } from "@remix-run/react";

/**
 * Client-side navigation for the plain `<a href>` links inside one element (e.g. the fifty unit
 * links of a ranking page): one click handler on the container instead of a <Link> per row, whose
 * hooks run for every row on every server render. Handles exactly the clicks <Link> handles (plain
 * left click on a same-origin link without `target` or `download`); anything else stays with the
 * browser. Give such links `data-discover="true"`, as <Link> does, so Remix learns their routes
 * ahead of the click.
 */
export function useDelegatedLinkClicks() {
  const navigate = useNavigate();
  const location = useLocation();
  return (event: MouseEvent<HTMLElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return;
    const link = event.target instanceof Element ? event.target.closest("a") : null;
    if (!link || !event.currentTarget.contains(link) || link.hasAttribute("download")) return;
    if ((link.target && link.target !== "_self") || link.origin !== window.location.origin) return;
    event.preventDefault();
    const to = link.pathname + link.search + link.hash;
    // As <Link>: a link to the page already shown replaces the history entry.
    navigate(to, { replace: to === location.pathname + location.search + location.hash });
  };
}
