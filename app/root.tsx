import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { NAVIGATION } from "./navigation";
import { unreadCount } from "./services/notifications.server";
import { getUser, ROLE_LABELS } from "./utils/auth.server";
import { getDb } from "./utils/db.server";
import { useNonce } from "./utils/nonce";
import styles from "./styles/app.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: "政务公开绩效考核平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  return {
    user: user && {
      displayName: user.displayName,
      username: user.username,
      role: user.role,
      roleLabel: ROLE_LABELS[user.role],
      unitName: user.unitName,
      orgName: user.orgName,
      unread: unreadCount(getDb(), user.id),
    },
  };
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="zh-CN">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          跳到主要内容
        </a>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function Header() {
  const data = useRouteLoaderData<typeof loader>("root");
  const user = data?.user;
  return (
    <header className="app-header">
      <div className="brand">
        <Link to="/">政务公开绩效考核平台</Link>
      </div>
      {user ? (
        <>
          <nav aria-label="主导航" className="main-nav">
            <ul>
              {NAVIGATION[user.role].map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.to === "/"}>
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="user-box">
            <span className="user-name">{user.displayName}</span>
            <span className="user-role">
              {user.roleLabel}
              {user.unitName ? ` · ${user.unitName}` : ""}
              {user.orgName ? ` · ${user.orgName}` : ""}
            </span>
            <Link to="/notifications" aria-label={user.unread > 0 ? `消息，${user.unread}条未读` : "消息，没有未读"}>
              消息{user.unread > 0 ? <span className="unread-count">{user.unread}</span> : null}
            </Link>
            <Link to="/account/password">修改密码</Link>
            <Form method="post" action="/logout">
              <button type="submit" className="link-button">
                退出登录
              </button>
            </Form>
          </div>
        </>
      ) : null}
    </header>
  );
}

export default function App() {
  return (
    <>
      <Header />
      <main id="main" className="app-main">
        <Outlet />
      </main>
    </>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  let title = "系统出错了";
  let message = "处理您的请求时发生错误，请稍后重试。如问题持续，请联系政务公开办。";
  if (isRouteErrorResponse(error)) {
    if (error.status === 403) {
      title = "403 无权访问";
      message = typeof error.data === "string" && error.data ? error.data : "您无权访问此页面或执行此操作。";
    } else if (error.status === 404) {
      title = "404 页面不存在";
      message = typeof error.data === "string" && error.data ? error.data : "您要找的内容不存在。";
    } else if (error.status === 400) {
      title = "请求有误";
      message = typeof error.data === "string" ? error.data : message;
    }
  }
  // Inside the app frame: the signed-in user keeps the navigation (the root loader's data is
  // there when the error came from a page below it).
  return (
    <>
      <Header />
      <main id="main" className="app-main error-page">
        <h1>{title}</h1>
        <p>{message}</p>
        <p>
          <Link to="/">返回首页</Link>
        </p>
      </main>
    </>
  );
}
