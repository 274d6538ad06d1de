/**
 * PatternFly's toast alert group (its classes, at the end of the page's body as AlertGroup isToast
 * puts it) without AlertGroup itself, which also brings its overflow button, timers and context for
 * inline groups that this page does not use: kept out to stay inside the bundle budget.
 */
import { Children, type ReactNode } from "react";
import { createPortal } from "react-dom";
import styles from "@patternfly/react-styles/css/components/Alert/alert-group.mjs";

export function ToastGroup({ children }: { children: ReactNode }) {
    const items = Children.toArray(children);
    return createPortal(
        <ul className={`${styles.alertGroup} ${styles.modifiers.toast}`} role="list" aria-live="polite">
            {items.map((c, i) => (
                <li className={styles.alertGroupItem} key={(c as { key?: string }).key ?? i}>
                    {c}
                </li>
            ))}
        </ul>,
        document.body,
    );
}
