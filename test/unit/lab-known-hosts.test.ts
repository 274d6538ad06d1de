import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labAddKnownHosts, labForgetKnownHosts } from "../../scripts/lab-control.mjs";

const dir = mkdtempSync(join(tmpdir(), "cm-lab-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the lab's known hosts (npm start -- --demo)", () => {
    it("lab down removes exactly the entries the lab added; the admin's own and edited entries stay", () => {
        const paths = { configPath: join(dir, "hosts.json"), state: dir };
        writeFileSync(
            join(dir, "hosts.json"),
            JSON.stringify({ version: 1, hosts: [{ address: "10.1.1.1", sshUser: "admin", transport: "ssh" }] }),
        );
        // the lab's own state: its hosts
        const labHosts = [{ address: "127.0.0.1" }, { address: "127.0.0.2" }, { address: "127.0.0.3" }];
        const state = mkdtempSync(join(dir, "state-"));
        writeFileSync(join(state, "hosts.json"), JSON.stringify(labHosts));
        labAddKnownHosts({ ...paths, state });
        const read = () =>
            (JSON.parse(readFileSync(paths.configPath, "utf8")) as { hosts: { address: string; sshUser?: string }[] })
                .hosts;
        expect(read().map((h) => h.address)).toEqual(["10.1.1.1", "127.0.0.1", "127.0.0.2", "127.0.0.3"]);
        // the admin edits one of them meanwhile: it is theirs now
        writeFileSync(
            paths.configPath,
            JSON.stringify({
                version: 1,
                hosts: read().map((h) => (h.address === "127.0.0.3" ? { ...h, sshUser: "ops" } : h)),
            }),
        );
        labForgetKnownHosts({ ...paths, state });
        expect(read()).toEqual([
            { address: "10.1.1.1", sshUser: "admin", transport: "ssh" },
            { address: "127.0.0.3", sshUser: "ops", transport: "ssh" },
        ]);
        // nothing left to forget: a second down changes nothing
        labForgetKnownHosts({ ...paths, state });
        expect(read()).toHaveLength(2);
    });
});
