import "@patternfly/react-core/dist/styles/base.css";
import "./ui/app.css";
import { createRoot } from "react-dom/client";
import { CockpitRunner, cockpitInstance } from "../pkg/lib/cockpit-runner";
import { CockpitFileStore } from "../pkg/lib/file";
import { cockpitLocation } from "../pkg/lib/location";
import { watchAdmin } from "../pkg/lib/superuser";
import { App } from "./ui/App";
import { ServicesContext, type Services } from "./ui/services";
import { followTheme } from "../pkg/lib/theme";
import { ThrottledRunner } from "../pkg/lib/throttle";

const cockpit = cockpitInstance();
followTheme();
const services: Services = {
    runner: new ThrottledRunner(new CockpitRunner(cockpit)),
    files: new CockpitFileStore(cockpit),
    location: cockpitLocation(cockpit),
    watchAdmin: cb => watchAdmin(cockpit, cb),
    userName: () => cockpit.user().then(u => u.name, () => null),
};

createRoot(document.getElementById("app")!).render(
    <ServicesContext.Provider value={services}>
        <App />
    </ServicesContext.Provider>,
);
