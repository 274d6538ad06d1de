// cockpit-ws for one browser-test run (Playwright's webServer starts and stops it).
import { startCockpitWs } from "./setup.mjs";

const ws = startCockpitWs(Number(process.argv[2] ?? 9097));
const stop = () => { ws.kill("SIGTERM"); process.exit(0) };
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
ws.on("exit", code => process.exit(code ?? 1));
