/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

import "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Client address as seen by the Express server (trust proxy aware). */
    clientIp?: string;
    /** Per-request CSP nonce for inline scripts. */
    cspNonce?: string;
  }
}

declare module "@remix-run/server-runtime" {
  interface Future {
    v3_singleFetch: true;
  }
}
