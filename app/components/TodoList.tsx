import { Link } from "@remix-run/react";

export interface TodoView {
  key: string;
  label: string;
  count: number;
  href: string;
  names: string[];
}

/** Counts of what is waiting, each linking to the page where it is dealt with. */
export function TodoList({ items }: { items: TodoView[] }) {
  return (
    <ul className="todo-list">
      {items.map((t) => (
        <li key={t.key} className={t.count > 0 ? "todo todo-open" : "todo"} data-todo={t.key}>
          <Link to={t.href}>
            <span className="todo-label">{t.label}</span>
            <span className="todo-count">{t.count}</span>
          </Link>
          {t.names.length > 0 ? (
            <p className="muted todo-names">
              {t.names.join("、")}
              {t.count > t.names.length ? ` 等${t.count}项` : ""}
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
