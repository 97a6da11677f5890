import http from "node:http";
import type { AddressInfo } from "node:net";
import { beijingToday } from "../../app/utils/beijing-time";

/**
 * A government website served on loopback with controlled behaviour, for the website checker's
 * tests: a home page that can be slow or fail on chosen visits, a fresh 动态要闻 column, a stale
 * 通知公告 column, an empty 政策文件 column, a 政策解读 column without dates, a 互动回应 column with
 * one late reply and one unanswered message, 404 links on the home page and the level below, and
 * one broken external link (a second server: another host). Dates are printed in every format the
 * checker reads, counted back from today (Beijing).
 */

export interface SiteFixture {
  home: string;
  base: string;
  external: string;
  /** Requests the home page received so far. */
  homeRequests: () => number;
  /** User-Agent of the last request. */
  lastUserAgent: () => string;
  close: () => Promise<void>;
}

export interface SiteFixtureOptions {
  /** Delay (ms) of the home page's answer to these requests (1-based). */
  slowHomeRequests?: { requests: number[]; delayMs: number };
  /** Home requests (1-based) answered 503. */
  failingHomeRequests?: number[];
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The Beijing date `n` days before today: its parts. */
export function daysAgo(n: number): { y: number; m: number; d: number; iso: string } {
  const t = new Date(`${beijingToday()}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() - n);
  const iso = t.toISOString().slice(0, 10);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate(), iso };
}

const dash = (n: number) => daysAgo(n).iso;
const chinese = (n: number) => {
  const x = daysAgo(n);
  return `${x.y}年${x.m}月${x.d}日`;
};
const slash = (n: number) => {
  const x = daysAgo(n);
  return `${x.y}/${pad(x.m)}/${pad(x.d)}`;
};
const monthDay = (n: number) => {
  const x = daysAgo(n);
  return `${pad(x.m)}-${pad(x.d)}`;
};

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><header>今天是${chinese(0)}</header>${body}<footer>版权所有 明湖区人民政府</footer></body></html>`;

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

export async function startSiteFixture(opts: SiteFixtureOptions = {}): Promise<SiteFixture> {
  const externalServer = http.createServer((_req, res) => {
    res.writeHead(404, { "Content-Type": "text/html; charset=utf-8" }).end(page("未找到", "<p>页面不存在</p>"));
  });
  const externalPort = await listen(externalServer);
  const external = `http://127.0.0.1:${externalPort}/gone.html`;
  let homeRequests = 0;
  let lastUserAgent = "";

  const pages: Record<string, () => string> = {
    "/news/": () =>
      page(
        "动态要闻",
        `<ul><li><a href="/news/1.html">区政府召开常务会议</a><span>${slash(3)}</span></li><li><a href="/news/2.html">区长调研重点项目</a><span>${slash(9)}</span></li></ul>`,
      ),
    "/notices/": () =>
      page(
        "通知公告",
        `<ul><li><a href="/notices/1.html">关于开展安全检查的通知</a> ${dash(200)}</li><li><a href="/notices/2.html">关于调整办公时间的公告</a> ${dash(260)}</li></ul>`,
      ),
    "/policies/": () => page("政策文件", `<div class="list"><p>暂无信息</p></div>`),
    "/interpretations/": () => page("政策解读", `<ul><li><a href="/interpretations/1.html">一图读懂区政府工作报告</a></li><li><a href="/interpretations/2.html">解读：优化营商环境若干措施</a></li></ul>`),
    "/messages/": () =>
      page(
        "互动回应",
        `<table><tr><th>留言标题</th><th>留言时间</th><th>回复时间</th></tr>
         <tr><td><a href="/messages/1.html">咨询社保缴纳问题</a></td><td>${chinese(40)}</td><td>${chinese(35)}</td></tr>
         <tr><td><a href="/messages/2.html">反映小区停车难</a></td><td>${dash(200)}</td><td>${dash(100)}</td></tr>
         <tr><td><a href="/messages/3.html">建议增设公交站点</a></td><td>${dash(120)}</td><td>未回复</td></tr>
         <tr><td><a href="/messages/4.html">咨询入学政策</a></td><td>${monthDay(10)}</td><td>待回复</td></tr></table>`,
      ),
    "/news/1.html": () => page("区政府召开常务会议", `<p>正文</p><a href="/news/deep-missing.html">相关附件</a><a href="/news/2.html">下一篇</a>`),
    "/news/2.html": () => page("区长调研重点项目", `<p>正文</p>`),
  };

  const server = http.createServer((req, res) => {
    lastUserAgent = String(req.headers["user-agent"] ?? "");
    const path = new URL(req.url ?? "/", "http://fixture").pathname;
    if (path === "/") {
      homeRequests++;
      const n = homeRequests;
      const body = page(
        "明湖区人民政府",
        `<nav><a href="/news/">动态要闻</a><a href="/notices/">通知公告</a><a href="/policies/">政策文件</a></nav>
         <ul><li><a href="/news/1.html">区政府召开常务会议</a>（${chinese(3)}）</li><li><a href="/missing.html">已删除的页面</a>${monthDay(5)}</li></ul>
         <a href="${external}">友情链接</a><a href="mailto:zwgk@example.gov.cn">联系我们</a><a href="javascript:void(0)">打印</a>`,
      );
      const send = () => {
        if (opts.failingHomeRequests?.includes(n)) res.writeHead(503, { "Content-Type": "text/plain; charset=utf-8" }).end("服务暂不可用");
        else res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(body);
      };
      const slow = opts.slowHomeRequests;
      if (slow?.requests.includes(n)) setTimeout(send, slow.delayMs);
      else send();
      return;
    }
    const render = pages[path] ?? (/^\/(notices|interpretations|messages)\/\d+\.html$/.test(path) ? () => page("正文", "<p>正文</p>") : undefined);
    if (!render) {
      res.writeHead(404, { "Content-Type": "text/html; charset=utf-8" }).end(page("未找到", "<p>页面不存在</p>"));
      return;
    }
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(render());
  });
  const port = await listen(server);
  const base = `http://127.0.0.1:${port}`;
  return {
    home: `${base}/`,
    base,
    external,
    homeRequests: () => homeRequests,
    lastUserAgent: () => lastUserAgent,
    close: async () => {
      server.closeAllConnections();
      externalServer.closeAllConnections();
      await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => externalServer.close(r))]);
    },
  };
}
