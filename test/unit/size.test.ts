import { describe, expect, it } from "vitest";
import { formatBytes } from "../../pkg/lib/size";
import { formatBytes as uiFormatBytes } from "../../src/ui/format";

describe("formatBytes: the unit follows the value", () => {
    it("a 64 MiB image is 64.0 MiB, not 0.06 or 0.00 GiB", () => {
        expect(formatBytes(64 * 2 ** 20)).toBe("64.0 MiB");
    });

    it.each([
        [0, "0 B"],
        [1, "1 B"],
        [1023, "1023 B"],
        [1024, "1.0 KiB"],
        [1536, "1.5 KiB"],
        [200 * 1024, "200 KiB"],
        [1023.97 * 1024, "1.0 MiB"], // not "1024 KiB"
        [2 ** 30, "1.0 GiB"],
        [42.35 * 2 ** 30, "42.4 GiB"],
        [512 * 2 ** 30, "512 GiB"],
        [3 * 2 ** 40, "3.0 TiB"],
        [5 * 2 ** 50, "5.0 PiB"],
        [2 ** 70, "1048576 PiB"], // the largest unit stays
    ])("%d bytes: %s", (n, text) => {
        expect(formatBytes(n)).toBe(text);
    });

    it("a negative size keeps its sign and its unit", () => {
        expect(formatBytes(-3 * 2 ** 20)).toBe("-3.0 MiB");
    });

    it("unknown is a dash", () => {
        expect(formatBytes(null)).toBe("—");
        expect(formatBytes(undefined)).toBe("—");
        expect(formatBytes(Number.NaN)).toBe("—");
        expect(formatBytes(Number.POSITIVE_INFINITY)).toBe("—");
    });

    it("the views use the same formatter", () => {
        expect(uiFormatBytes).toBe(formatBytes);
    });
});
