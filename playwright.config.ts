import { defineConfig } from "@playwright/test";

/** Browser tests: Debian's Chromium, a fresh cockpit-ws per run, the lab (test/lab) already up. */
export const COCKPIT_PORT = Number(process.env.COCKPIT_TEST_PORT ?? 9097);

export default defineConfig({
    testDir: "test/e2e",
    timeout: 150_000,
    expect: { timeout: 20_000 },
    workers: 1,
    fullyParallel: false,
    retries: 0,
    reporter: [["list"], ["json", { outputFile: ".cache/playwright.json" }]],
    globalSetup: "./test/e2e/global-setup.ts",
    use: {
        baseURL: `http://127.0.0.1:${COCKPIT_PORT}`,
        browserName: "chromium",
        viewport: { width: 1280, height: 900 },
        screenshot: "only-on-failure",
        trace: "off",
        launchOptions: {
            executablePath: "/usr/bin/chromium",
            args: [
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        },
    },
    webServer: {
        command: `node --experimental-websocket scripts/serve-tests.mjs ${COCKPIT_PORT}`,
        url: `http://127.0.0.1:${COCKPIT_PORT}/cockpit/@localhost/manifests.json`,
        reuseExistingServer: false,
        timeout: 30_000,
        stdout: "ignore",
        stderr: "pipe",
    },
});
