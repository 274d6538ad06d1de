/** Data hooks: each loads through the model layer and exposes {data, error, loading, reload}. */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { loadDomains, loadIdentity } from "../domains/load";
import type { Domain, HostIdentity } from "../domains/types";
import { HOSTS_CONFIG_PATH, parseHostsConfig, updateHostsConfig } from "../hosts/config";
import type { HostsConfig, KnownHost } from "../hosts/types";
import { POLICY_PATH, readPolicy, writePolicy, type OvercommitPolicy } from "../preflight/policy";
import { useServices } from "./services";
import type { Runner } from "../../pkg/lib/runner";
import { machineOf } from "../hosts/machine";
import { hostUri, localUri } from "../hosts/uri";
import { hostList, type ListedHost } from "../hosts/list";
import {
    destinationChoices,
    onePerMachine,
    readingDestinations,
    type DestinationChoice,
    type Identities,
} from "../hosts/names";

export interface Loaded<T> {
    data: T | null;
    error: unknown;
    loading: boolean;
    reload: () => void;
}

/** Runs `load` now, whenever `key` changes, on reload(), and every `everyMs` while the page is visible. */
export function useLoader<T>(key: string, load: () => Promise<T>, everyMs = 0): Loaded<T> {
    const [state, setState] = useState<{ key: string; data: T | null; error: unknown; loading: boolean }>({
        key,
        data: null,
        error: null,
        loading: true,
    });
    const [tick, setTick] = useState(0);
    const loadRef = useRef(load);
    loadRef.current = load;
    useEffect(() => {
        let alive = true;
        setState((s) => (s.key === key ? { ...s, loading: true } : { key, data: null, error: null, loading: true }));
        loadRef.current().then(
            (data) => {
                if (alive) setState({ key, data, error: null, loading: false });
            },
            (error) => {
                if (alive) setState((s) => ({ key, data: s.key === key ? s.data : null, error, loading: false }));
            },
        );
        return () => {
            alive = false;
        };
    }, [key, tick]);
    useEffect(() => {
        if (!everyMs) return;
        const id = setInterval(() => {
            if (!document.hidden) setTick((t) => t + 1);
        }, everyMs);
        return () => clearInterval(id);
    }, [everyMs, key]);
    const reload = useCallback(() => setTick((t) => t + 1), []);
    const current = state.key === key ? state : { data: null, error: null, loading: true };
    return { data: current.data, error: current.error, loading: current.loading, reload };
}

export function useDomains(uri: string): Loaded<Domain[]> {
    const { runner } = useServices();
    return useLoader(uri, () => loadDomains(runner, uri), 5000);
}

/** The host's identity, part by part; `generation` re-reads it (e.g. after a connection problem was fixed). */
export function useIdentity(uri: string, generation = 0): Partial<HostIdentity> {
    const { runner } = useServices();
    const [identity, setIdentity] = useState<{ uri: string; value: Partial<HostIdentity> }>({ uri, value: {} });
    useEffect(() => {
        let alive = true;
        setIdentity({ uri, value: {} });
        const unknown: HostIdentity = {
            hostname: null,
            libvirtVersion: null,
            hypervisor: null,
            hostUuid: null,
            cpuModel: null,
            cpuVendor: null,
            arch: null,
        };
        loadIdentity(runner, uri, (part) => {
            if (alive) setIdentity((prev) => ({ uri, value: { ...(prev.uri === uri ? prev.value : {}), ...part } }));
        })
            // best effort: the domain list reports the connection error; what could not be read shows as unknown
            .catch(() => {
                if (alive)
                    setIdentity((prev) => ({ uri, value: { ...unknown, ...(prev.uri === uri ? prev.value : {}) } }));
            });
        return () => {
            alive = false;
        };
    }, [runner, uri, generation]);
    return identity.uri === uri ? identity.value : {};
}

export interface KnownHostsState extends Loaded<HostsConfig> {
    update(change: (c: HostsConfig) => HostsConfig): Promise<void>;
}

export function useKnownHosts(): KnownHostsState {
    const { files } = useServices();
    const loaded = useLoader(HOSTS_CONFIG_PATH, async () =>
        parseHostsConfig((await files.read(HOSTS_CONFIG_PATH)).content),
    );
    const { reload } = loaded;
    const update = useCallback(
        async (change: (c: HostsConfig) => HostsConfig) => {
            await updateHostsConfig(files, change);
            reload();
        },
        [files, reload],
    );
    return { ...loaded, update };
}

export interface PolicyState extends Loaded<OvercommitPolicy> {
    save(p: OvercommitPolicy): Promise<void>;
}

/** The admin's overcommit policy (/etc/cockpit-migrate/policy.json). */
export function usePolicy(): PolicyState {
    const { files } = useServices();
    const loaded = useLoader(POLICY_PATH, () => readPolicy(files));
    const { reload } = loaded;
    const save = useCallback(
        async (p: OvercommitPolicy) => {
            await writePolicy(files, p);
            reload();
        },
        [files, reload],
    );
    return { ...loaded, save };
}

/** The current cockpit.location path, re-rendering on change. */
export function useLocationPath(): [string[], (p: string[]) => void] {
    const { location } = useServices();
    const [path, setPath] = useState(location.path());
    useEffect(() => location.watch(() => setPath(location.path())), [location]);
    return [path, location.go];
}

export function useAdmin(): boolean | null {
    const { watchAdmin } = useServices();
    const [allowed, setAllowed] = useState<boolean | null>(null);
    useEffect(() => watchAdmin(setAllowed), [watchAdmin]);
    return allowed;
}

/**
 * The machine behind each URI (machineOf), each as soon as it is read: absent while being read, null when it
 * could not be. A machine once read is kept for the page's life (a URI's machine does not change under a page;
 * the pre-flight's same-host check still reads it again); an unreadable one is read again next time.
 */
export function useIdentities(uris: readonly string[]): Identities {
    const { runner } = useServices();
    const key = [...new Set(uris)].sort().join("\n");
    // what the page has read already: the start for this set of URIs, until its own reads answer
    const already = useMemo(() => readAlready(runner, key), [runner, key]);
    const [state, setState] = useState<{ key: string; ids: Identities }>(() => ({ key, ids: already }));
    useEffect(() => {
        let alive = true;
        for (const uri of key.split("\n").filter(Boolean))
            void readMachine(runner, uri).then((id) => {
                if (alive)
                    setState((s) =>
                        s.key === key && s.ids[uri] === id
                            ? s
                            : { key, ids: { ...(s.key === key ? s.ids : already), [uri]: id } },
                    );
            });
        return () => {
            alive = false;
        };
    }, [key, runner, already]);
    return state.key === key ? state.ids : already;
}

const machines = new WeakMap<Runner, Map<string, { read: Promise<string | null>; id?: string }>>();

/** The machine behind `uri` (machineOf), read once per runner; an unreadable one (null) is read again next time. */
export function readMachine(runner: Runner, uri: string): Promise<string | null> {
    let known = machines.get(runner);
    if (!known) machines.set(runner, (known = new Map()));
    const kept = known.get(uri);
    if (kept) return kept.read;
    const entry: { read: Promise<string | null>; id?: string } = { read: machineOf(runner, uri) };
    known.set(uri, entry);
    void entry.read.then((id) => {
        if (id === null) known.delete(uri);
        else entry.id = id;
    });
    return entry.read;
}

/** The machines of `key`'s URIs (one per line) that readMachine has read already. */
function readAlready(runner: Runner, key: string): Identities {
    const known = machines.get(runner);
    const ids: Record<string, string> = {};
    for (const uri of key.split("\n")) {
        const id = known?.get(uri)?.id;
        if (id) ids[uri] = id;
    }
    return ids;
}

/**
 * Where a VM on `sourceUri` can move to, for every list that offers it (the Migrate dialog, the readiness
 * check): one per machine, named once; This host when the source is another machine (destinationChoices).
 * `reading`: some are held back until their machine is read.
 */
export function useDestinationChoices(
    sourceUri: string,
    hosts: readonly KnownHost[],
): { choices: DestinationChoice[]; reading: boolean } {
    const identities = useIdentities([sourceUri, localUri("system"), ...hosts.map((h) => hostUri(h))]);
    return useMemo(
        () => ({
            choices: destinationChoices(sourceUri, hosts, identities),
            reading: readingDestinations(sourceUri, hosts, identities),
        }),
        [sourceUri, hosts, identities],
    );
}

/**
 * The page's hosts (this host, then the known hosts), one per machine, each named once (onePerMachine), and the
 * machines they were grouped by; `also`: more URIs whose machines the caller needs (read with the others, once).
 */
export function useMachineList(
    known: readonly KnownHost[],
    also: readonly string[] = [],
): { hosts: ListedHost[]; identities: Identities } {
    const identities = useIdentities([localUri("system"), ...known.map((h) => hostUri(h)), ...also]);
    const hosts = useMemo(() => onePerMachine(hostList(known), identities), [known, identities]);
    return { hosts, identities };
}
