/** The page itself, loaded by boot.ts with the runner it already started commands on. */
// PatternFly's base styles first (fonts, variables, resets), then the page's own; the components' follow with them
import "@patternfly/react-core/dist/styles/base.css";
import "./ui/app.css";
import { createRoot } from "react-dom/client";
import type { Cockpit } from "../pkg/lib/cockpit";
import { CockpitFileStore } from "../pkg/lib/file";
import { cockpitLocation } from "../pkg/lib/location";
import type { Runner } from "../pkg/lib/runner";
import { watchAdmin } from "../pkg/lib/superuser";
import { followTheme } from "../pkg/lib/theme";
import { App } from "./ui/App";
import { ErrorBoundary } from "./ui/ErrorBoundary";
import { _ } from "../pkg/lib/gettext";
import { ServicesContext, type Services } from "./ui/services";

export function start(cockpit: Cockpit, runner: Runner): void {
    followTheme();
    const services: Services = {
        runner,
        files: new CockpitFileStore(cockpit),
        location: cockpitLocation(cockpit),
        watchAdmin: (cb) => watchAdmin(cockpit, cb),
        userName: () =>
            cockpit.user().then(
                (u) => u.name,
                () => null,
            ),
    };
    createRoot(document.getElementById("app")!).render(
        <ServicesContext.Provider value={services}>
            <ErrorBoundary what={_("The migration page")}>
                <App />
            </ErrorBoundary>
        </ServicesContext.Provider>,
    );
}
