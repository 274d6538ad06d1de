import { test, expect } from "@playwright/test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labHost, virsh } from "./lab";
import { domainRow, openPage } from "./page";
import { writeLabHostsConfig } from "./global-setup";

test.beforeEach(() => writeLabHostsConfig());

const COUNT = 230;
const names = Array.from({ length: COUNT }, (_, i) => `lab-e2e-list-${String(i).padStart(3, "0")}`);

/** Many virsh commands in one session (one connection instead of 230). */
function virshBatch(uri: string, commands: string[]): void {
    const r = spawnSync("virsh", ["-c", uri], {
        input: commands.join("\n") + "\nquit\n",
        encoding: "utf8",
        maxBuffer: 16 << 20,
    });
    if (r.status !== 0) throw new Error(r.stderr);
}

const listed = (uri: string) => virsh(uri, "list", "--all", "--name").split("\n").filter(Boolean);

test("a host with hundreds of guests: 200 rows at a time, filter, clear, sort, show more", async ({ page }) => {
    const c = labHost("c");
    const dir = mkdtempSync(join(tmpdir(), "cm-e2e-list-"));
    const drop = () => {
        const there = new Set(listed(c.uri));
        virshBatch(
            c.uri,
            names.filter((n) => there.has(n)).map((n) => `undefine --domain ${n}`),
        );
    };
    try {
        drop();
        virshBatch(
            c.uri,
            names.map((n, i) => {
                const f = join(dir, `${n}.xml`);
                writeFileSync(
                    f,
                    `<domain type='qemu'><name>${n}</name><memory unit='MiB'>${32 + i}</memory><vcpu>1</vcpu>` +
                        "<os><type arch='x86_64'>hvm</type></os></domain>",
                );
                return `define --file ${f}`;
            }),
        );
        const total = listed(c.uri).length;
        expect(total).toBeGreaterThanOrEqual(COUNT);
        await openPage(page, `/host/${c.address}`);
        const grid = page.getByRole("grid", { name: `Virtual machines on ${c.address}` });
        const rows = grid.locator("tbody tr");
        await expect(page.getByText(`200 of ${total} virtual machines`)).toBeVisible({ timeout: 30_000 });
        await expect(rows).toHaveCount(200);

        const filter = page.getByRole("searchbox", { name: "Filter virtual machines by name" });
        await filter.fill("lab-e2e-list-01");
        await expect(rows).toHaveCount(10);
        await expect(page.getByText(`10 of ${total} virtual machines`)).toBeVisible();
        await expect(domainRow(page, "lab-e2e-list-019")).toBeVisible();
        await page.getByRole("button", { name: "Clear filter" }).click();
        await expect(filter).toHaveValue("");
        await expect(rows).toHaveCount(200);

        await filter.fill("LAB-E2E-LIST"); // case does not matter
        await expect(rows).toHaveCount(200);
        await grid.getByRole("button", { name: "Memory" }).click(); // ascending
        await expect(rows.first()).toHaveAttribute("data-domain", "lab-e2e-list-000");
        await grid.getByRole("button", { name: "Memory" }).click(); // descending
        await expect(rows.first()).toHaveAttribute("data-domain", "lab-e2e-list-229");
        await expect(rows.first().getByRole("gridcell").nth(2)).toHaveText("261 MiB");
        await page.getByRole("button", { name: "Show 30 more" }).click();
        await expect(rows).toHaveCount(COUNT);
        await expect(rows.last()).toHaveAttribute("data-domain", "lab-e2e-list-000");
        await expect(page.getByRole("button", { name: /^Show \d+ more$/ })).toHaveCount(0);
        await expect(page.getByText(`${COUNT} of ${total} virtual machines`)).toBeVisible();
    } finally {
        drop();
        rmSync(dir, { recursive: true, force: true });
    }
});
