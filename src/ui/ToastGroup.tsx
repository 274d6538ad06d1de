/**
 * PatternFly's toast alert group (its classes, at the end of the page's body as AlertGroup isToast
 * puts it) without AlertGroup itself, which also brings its overflow button, timers and context for
 * inline groups that this page does not use: kept out to stay inside the bundle budget.
 */
import type { ReactNode } from "react";
import { createPortal } from "react-dom";
import styles from "@patternfly/react-styles/css/components/Alert/alert-group.mjs";

/** `items`: [key, toast] pairs. */
export function ToastGroup({ items }: { items: [string, ReactNode][] }) {
    return createPortal(
        <ul className={`${styles.alertGroup} ${styles.modifiers.toast}`} role="list" aria-live="polite">
            {items.map(([key, toast]) => (
                <li className={styles.alertGroupItem} key={key}>
                    {toast}
                </li>
            ))}
        </ul>,
        document.body,
    );
}
