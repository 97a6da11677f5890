import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { publicCycles } from "../services/public-results.server";
import { getDb } from "../utils/db.server";

/** GET /public/results: the cycles whose results the office has published (公开通报). No login. */
export const meta: MetaFunction = () => [{ title: "考核结果公开通报 - 政务公开绩效考核平台" }];

export async function loader() {
  return { cycles: publicCycles(getDb()) };
}

export default function PublicResultsIndex() {
  const { cycles } = useLoaderData<typeof loader>();
  return (
    <article>
      <h1>考核结果公开通报</h1>
      {cycles.length === 0 ? (
        <p className="card">暂无公开的考核结果。</p>
      ) : (
        <ul className="card">
          {cycles.map((c) => (
            <li key={c.year}>
              <Link to={`/public/results/${c.year}`}>{c.title}</Link>
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
