import { describe, expect, it } from "vitest";
import {
    destinationChoices,
    displayName,
    groupByMachine,
    isThisMachine,
    onePerMachine,
    readingDestinations,
    sameHost,
} from "../../src/hosts/names";
import { hostList } from "../../src/hosts/list";
import { LOCAL_HOST_ID, type KnownHost } from "../../src/hosts/types";
import { hostUri } from "../../src/hosts/uri";

const A = "761a9c68-4309-48f8-bb21-fbaaca6aee70 vm";
const B = "b0000000-0000-4000-8000-000000000002 lab-b";
const known = (address: string, extra: Partial<KnownHost> = {}): KnownHost => ({
    id: address,
    address,
    sshUser: "root",
    transport: "ssh",
    ...extra,
});
const k1 = known("127.0.0.1", { migrationAddress: "127.0.0.1" });
const k2 = known("127.0.0.2");
const k2again = known("lab-b");
const k3 = known("127.0.0.3");
const ids = {
    "qemu:///system": A,
    [hostUri(k1)]: A,
    [hostUri(k2)]: B,
    [hostUri(k2again)]: B,
    [hostUri(k3)]: null, // unreachable: its machine is not known
};
const local = { id: LOCAL_HOST_ID, uri: "qemu:///system", known: null };
const entry = (k: KnownHost) => ({ id: k.id, uri: hostUri(k), known: k });

describe("one name per machine", () => {
    it("this machine is This host however it is reached; others by their address", () => {
        expect(displayName(local, ids)).toBe("This host");
        expect(displayName(entry(k1), ids)).toBe("This host");
        expect(displayName(entry(k2), ids)).toBe("127.0.0.2");
        expect(displayName({ uri: "qemu:///session", driver: "session" }, ids)).toBe("This host (user session)");
        expect(displayName({ uri: "qemu+tcp://10.0.0.9/system" }, ids)).toBe("10.0.0.9");
        // before the identities are read, a known host keeps its address: nothing is merged by guess
        expect(displayName(entry(k1), {})).toBe("127.0.0.1");
        expect(isThisMachine(entry(k3), ids)).toBe(false);
    });

    it("groups the entries of one machine, this host's own connection speaking for it", () => {
        const groups = groupByMachine([entry(k1), local, entry(k2), entry(k3), entry(k2again)], ids);
        expect(groups.map((g) => [g.name, g.primary.uri, g.hosts.length])).toEqual([
            ["This host", "qemu:///system", 2],
            ["127.0.0.2", hostUri(k2), 2],
            ["127.0.0.3", hostUri(k3), 1],
        ]);
        // two unknown machines are two groups
        expect(groupByMachine([entry(k2), entry(k3)], {})).toHaveLength(2);
    });
});

describe("one entry per machine", () => {
    it("keeps each machine's primary, named by the machine's one name, in the order the machines first appear", () => {
        const once = onePerMachine([entry(k1), local, entry(k2), entry(k3), entry(k2again)], ids);
        expect(once.map((h) => [h.id, h.label, h.uri])).toEqual([
            [LOCAL_HOST_ID, "This host", "qemu:///system"],
            ["127.0.0.2", "127.0.0.2", hostUri(k2)],
            ["127.0.0.3", "127.0.0.3", hostUri(k3)],
        ]);
        // the entry kept is the one passed in, with its name: nothing else of it changes
        expect(once[1]).toEqual({ ...entry(k2), label: "127.0.0.2" });
    });

    it("the page's host list: This host once when a known host is this machine, and only once its machine is read", () => {
        const list = hostList([k1, k2, k3]);
        expect(onePerMachine(list, ids).map((h) => h.label)).toEqual(["This host", "127.0.0.2", "127.0.0.3"]);
        // not read yet (or unreachable): nothing is merged by guess
        expect(onePerMachine(list, {}).map((h) => h.label)).toEqual([
            "This host",
            "127.0.0.1",
            "127.0.0.2",
            "127.0.0.3",
        ]);
        // a host that names itself otherwise (its label) is named by its address, as everywhere on the page
        expect(onePerMachine([{ uri: hostUri(k2), label: "lab-b", known: k2 }], ids)[0]!.label).toBe("127.0.0.2");
    });

    it("the user session is a list entry of its own", () => {
        const session = { id: "localhost-session", uri: "qemu:///session", driver: "session" as const, known: null };
        expect(onePerMachine([local, session], ids).map((h) => h.label)).toEqual([
            "This host",
            "This host (user session)",
        ]);
    });
});

describe("destinations", () => {
    it("from another host, This host is offered once, reached as its known entry", () => {
        const d = destinationChoices(hostUri(k2), [k1, k2, k3], ids);
        expect(d.map((x) => [x.id, x.label, x.uri])).toEqual([
            ["127.0.0.1", "This host", hostUri(k1)],
            ["127.0.0.3", "127.0.0.3", hostUri(k3)],
        ]);
        expect(d[0]!.known).toBe(k1);
        expect(d[0]!.help).toContain("127.0.0.1");
    });

    it("with no known entry for this machine, This host is offered by its own connection, with a help text", () => {
        const d = destinationChoices(hostUri(k2), [k2, k3], ids);
        expect(d[0]).toMatchObject({ id: LOCAL_HOST_ID, label: "This host", uri: "qemu:///system", known: null });
        expect(d[0]!.help).toMatch(/Known hosts with a migration address/);
    });

    it("from this host (or its user session, or its known entry), this machine is not a destination", () => {
        for (const source of ["qemu:///system", "qemu:///session", hostUri(k1)])
            expect(destinationChoices(source, [k1, k2, k3], ids).map((x) => x.label)).toEqual([
                "127.0.0.2",
                "127.0.0.3",
            ]);
    });

    it("two entries for one other machine are offered once; the source's other entry is not offered", () => {
        expect(destinationChoices("qemu:///system", [k2, k2again], ids).map((x) => x.id)).toEqual(["127.0.0.2"]);
        expect(destinationChoices(hostUri(k2), [k2, k2again, k3], ids).map((x) => x.id)).toEqual([
            LOCAL_HOST_ID,
            "127.0.0.3",
        ]);
    });
});

describe("destinations while the machines are read", () => {
    const { [hostUri(k1)]: _k1, ...noK1 } = ids;
    it("a host whose machine is not read yet is not offered: 127.0.0.1 may be the source itself", () => {
        expect(destinationChoices("qemu:///system", [k1, k2, k3], noK1).map((x) => x.id)).toEqual([
            "127.0.0.2",
            "127.0.0.3",
        ]);
        expect(readingDestinations("qemu:///system", [k1, k2, k3], noK1)).toBe(true);
        expect(readingDestinations("qemu:///system", [k1, k2, k3], ids)).toBe(false);
    });

    it("nothing is offered before this machine's and the source's machines are read", () => {
        const { "qemu:///system": _l, ...noLocal } = ids;
        expect(destinationChoices("qemu:///system", [k1, k2, k3], noLocal)).toEqual([]);
        const { [hostUri(k2)]: _s, ...noSource } = ids;
        expect(destinationChoices(hostUri(k2), [k1, k2, k3], noSource)).toEqual([]);
        expect(readingDestinations(hostUri(k2), [k1, k2, k3], noSource)).toBe(true);
        // the user session is this machine by its URI: only this machine's own needs reading
        expect(destinationChoices("qemu:///session", [k2], { "qemu:///system": A, [hostUri(k2)]: B })).toHaveLength(1);
    });

    it("an unreachable host (read, but unknown) is offered", () => {
        expect(destinationChoices("qemu:///system", [k3], ids).map((x) => x.id)).toEqual(["127.0.0.3"]);
    });
});

describe("a host's history", () => {
    it("one host however either end was reached; the user session only itself", () => {
        expect(sameHost(local, entry(k1), ids)).toBe(true);
        expect(sameHost(entry(k2), entry(k2again), ids)).toBe(true);
        expect(sameHost(entry(k2), local, ids)).toBe(false);
        expect(sameHost(entry(k3), entry(k2), ids)).toBe(false);
        expect(sameHost({ uri: "qemu:///session" }, local, ids)).toBe(false);
        expect(sameHost({ uri: "qemu:///session" }, { uri: "qemu:///session" }, ids)).toBe(true);
    });
    it("a recorded end that is this machine is This host, whatever it was recorded as", () => {
        expect(displayName({ id: "localhost", uri: "qemu:///system", label: "vm" }, ids)).toBe("This host");
        expect(displayName({ id: "127.0.0.1", uri: hostUri(k1), label: "127.0.0.1" }, ids)).toBe("This host");
        expect(displayName({ id: "127.0.0.2", uri: hostUri(k2), label: "127.0.0.2" }, ids)).toBe("127.0.0.2");
    });
});
