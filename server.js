// Production server: Express + Remix request handler, security headers, CSRF origin check.
import crypto from "node:crypto";
import path from "node:path";
import url from "node:url";
import express from "express";
import compression from "compression";
import { createRequestHandler } from "@remix-run/express";

const root = path.dirname(url.fileURLToPath(import.meta.url));
const build = await import(url.pathToFileURL(path.join(root, "build", "index.js")).href);

/** The configuration, parsed once by the app (app/config.server.ts); a bad value stops here. */
let settings;
try {
  settings = await build.entry.module.bootstrap();
} catch (error) {
  console.error(`启动失败：${error instanceof Error ? error.message : error}`);
  process.exit(1);
}

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", settings.trustProxy ? 1 : false);
app.use(compression());

/**
 * Evidence files (app/routes/evidence.$fileId.tsx) are previewed inside the app in an <iframe>, so
 * their responses may be framed by this origin; every other response may not be framed at all.
 */
function frameableBySameOrigin(pathname) {
  return pathname.startsWith("/evidence/");
}

app.use((req, res, next) => {
  const nonce = crypto.randomBytes(16).toString("base64");
  const framing = frameableBySameOrigin(req.path) ? "'self'" : "'none'";
  res.locals.cspNonce = nonce;
  res.setHeader(
    "Content-Security-Policy",
    [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self'",
      "connect-src 'self'",
      "frame-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      `frame-ancestors ${framing}`,
    ].join("; "),
  );
  res.setHeader("X-Frame-Options", framing === "'self'" ? "SAMEORIGIN" : "DENY");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  next();
});

// CSRF: state-changing requests must come from this origin (SameSite=Lax cookies are the second line).
app.use((req, res, next) => {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
  const host = req.headers.host;
  const source = req.headers.origin || req.headers.referer;
  const fetchSite = req.headers["sec-fetch-site"];
  let sameOrigin = true;
  if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") sameOrigin = false;
  if (source) {
    try {
      if (new URL(source).host !== host) sameOrigin = false;
    } catch {
      sameOrigin = false;
    }
  }
  if (!sameOrigin) {
    res.status(403).type("text/plain; charset=utf-8").send("跨站请求已被拒绝。");
    return;
  }
  next();
});

app.use("/build", express.static(path.join(root, "public", "build"), { immutable: true, maxAge: "1y" }));
app.use(express.static(path.join(root, "public"), { maxAge: "1h" }));

app.all(
  "*",
  createRequestHandler({
    build,
    mode: settings.production ? "production" : "development",
    getLoadContext: (req, res) => ({ clientIp: req.ip || req.socket.remoteAddress || "unknown", cspNonce: res.locals.cspNonce }),
  }),
);

const { port, host } = settings;
const server = app.listen(port, host, () => {
  console.log(`政务公开考核平台已启动：http://${host || "localhost"}:${port}`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
