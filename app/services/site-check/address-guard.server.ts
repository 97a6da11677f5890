import dns from "node:dns";
import net from "node:net";
import ipaddr from "ipaddr.js";

/**
 * What the checker may connect to: http and https only, and — unless explicitly allowed (intranet
 * sites, tests) — public unicast addresses only: no private, loopback, link-local, carrier-grade
 * NAT, multicast or reserved ones. A host name is checked on the address it resolves to, at
 * connection time (`guardedLookup`), so a name that resolves to a private address is refused too.
 */

export class SiteCheckRefused extends Error {
  constructor(
    message: string,
    /** "address": a private/reserved address; "url": not an http(s) URL one may visit. */
    readonly reason: "address" | "url" = "url",
  ) {
    super(message);
    this.name = "SiteCheckRefused";
  }
}

/** Why `address` may not be visited, or null when it may. */
export function refusedAddress(address: string, allowPrivate: boolean): string | null {
  if (!ipaddr.isValid(address)) return `无法识别的网络地址“${address}”`;
  const range = ipaddr.process(address).range();
  if (range === "unicast" || allowPrivate) return null;
  return `拒绝访问内网、本机或保留地址 ${address}（${range}）；检查内网网站须明确允许访问内网地址`;
}

/** A URL the checker may visit (http/https, no credentials, an IP literal checked at once), else SiteCheckRefused. */
export function checkUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SiteCheckRefused(`网址格式不正确：“${raw}”（应以 http:// 或 https:// 开头）`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new SiteCheckRefused(`只能检查 http 或 https 网址：“${raw}”`);
  if (url.username || url.password) throw new SiteCheckRefused(`网址不能包含用户名或密码：“${raw}”`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host)) {
    const why = refusedAddress(host, allowPrivate);
    if (why) throw new SiteCheckRefused(why, "address");
  }
  url.hash = "";
  return url;
}

/**
 * Resolve a host name and check every address it resolves to (the check before a run, for a clear
 * refusal). A name that does not resolve is not refused: the run records it as a failed visit.
 */
export async function checkHostResolves(url: URL, allowPrivate: boolean): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host)) return;
  const addresses = await dns.promises.lookup(host, { all: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOTFOUND" || error.code === "EAI_AGAIN" || error.code === "EAI_NONAME") return [];
    throw error;
  });
  for (const a of addresses) {
    const why = refusedAddress(a.address, allowPrivate);
    if (why) throw new SiteCheckRefused(`域名“${host}”解析到的地址不允许访问：${why}`, "address");
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/** A `lookup` for http(s).request that refuses a connection to an address the guard does not allow. */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      for (const a of addresses) {
        const why = refusedAddress(a.address, allowPrivate);
        if (why) return callback(Object.assign(new SiteCheckRefused(why, "address"), { code: "EREFUSEDADDRESS" }), []);
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
