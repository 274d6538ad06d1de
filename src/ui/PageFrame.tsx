/** The page's frame: PatternFly's page layout (page → filled main container → main) without `Page` itself,
 *  which also brings the notification drawer, masthead and sidebar machinery (Drawer's CSS and JS, a resize
 *  observer) that a Cockpit plugin in its iframe never shows. PageSection and the classes are PatternFly's. */
import type { ReactNode } from "react";
import styles from "@patternfly/react-styles/css/components/Page/page.mjs";

export function PageFrame({ className, children }: { className?: string; children: ReactNode }) {
    return (
        <div className={[styles.page, className].filter(Boolean).join(" ")}>
            <div className={`${styles.pageMainContainer} ${styles.modifiers.fill}`}>
                <main className={styles.pageMain}>{children}</main>
            </div>
        </div>
    );
}
