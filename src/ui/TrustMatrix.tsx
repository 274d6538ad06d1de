import { useCallback, useEffect, useMemo, useState } from "react";
import { Alert, Button, Label, Spinner } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import {
    authorizeFrom,
    checkReach,
    pairKey,
    scanFrom,
    trustFrom,
    trustNodes,
    trustPairs,
    type Reach,
    type TrustPair,
} from "../hosts/trust";
import type { KnownHost } from "../hosts/types";
import { CommandLine } from "./CommandLine";
import { HostKeyTrust } from "./HostKeyTrust";
import { useServices } from "./services";
import { useAction } from "./useAction";
import { _, format } from "../../pkg/lib/gettext";

const CAUSE: Record<string, string> = {
    "host-key-unknown": _("Host key not known"),
    "host-key-changed": _("Host key changed"),
    "ssh-auth": _("Key not accepted"),
    unreachable: _("Cannot connect"),
    source: _("Cannot run commands there"),
};

/** Which host's user can log in to which host without a password (what --p2p and --tunnelled need). */
export function TrustMatrix({ hosts }: { hosts: readonly KnownHost[] }) {
    const { runner } = useServices();
    const nodes = useMemo(() => trustNodes(hosts), [hosts]);
    const pairs = useMemo(() => trustPairs(nodes), [nodes]);
    const [reach, setReach] = useState<ReadonlyMap<string, Reach>>(new Map());
    const [fixing, setFixing] = useState<TrustPair | null>(null);
    const [ran, setRan] = useState<string[][]>([]);
    const { busy, failure, run } = useAction();
    const check = useCallback(
        (p: TrustPair) => {
            setReach((m) => {
                const n = new Map(m);
                n.delete(pairKey(p));
                return n;
            });
            return checkReach(runner, p.from, p.to.endpoint).then((r) =>
                setReach((m) => new Map(m).set(pairKey(p), r)),
            );
        },
        [runner],
    );
    useEffect(() => {
        for (const p of pairs) void check(p);
    }, [pairs, check]);
    const destinations = nodes.filter((n) => n.endpoint);
    const install = async (p: TrustPair, before: string[][] = []) => {
        setRan([...before, ...(await authorizeFrom(runner, p))]);
        await check(p);
    };
    const r = fixing && reach.get(pairKey(fixing));
    return (
        <>
            <p>
                {_(
                    "A migration the source drives itself (peer-to-peer, tunnelled) logs in from the source to the destination as the destination's SSH user, with the source's key. Checked on each source:",
                )}
            </p>
            <Table aria-label={_("Trust between hosts")} variant="compact">
                <Thead>
                    <Tr>
                        <Th>{_("From \\ to")}</Th>
                        {destinations.map((d) => (
                            <Th key={d.id}>{d.label}</Th>
                        ))}
                    </Tr>
                </Thead>
                <Tbody>
                    {nodes.map((from) => (
                        <Tr key={from.id}>
                            <Th>{from.label}</Th>
                            {destinations.map((to) => {
                                const pair = pairs.find((p) => p.from.id === from.id && p.to.id === to.id);
                                const v = pair && reach.get(pairKey(pair));
                                return (
                                    <Td
                                        key={to.id}
                                        data-pair={`${from.label}>${to.label}`}
                                        data-reach={!pair ? "" : !v ? "checking" : v.ok ? "ok" : v.cause}
                                    >
                                        {!pair ? (
                                            "—"
                                        ) : !v ? (
                                            <Spinner size="md" aria-label={_("Checking")} />
                                        ) : v.ok ? (
                                            <Label color="green">{_("Yes")}</Label>
                                        ) : (
                                            <>
                                                <Label color="red">{CAUSE[v.cause] ?? _("No")}</Label>{" "}
                                                <Button
                                                    variant="link"
                                                    isInline
                                                    aria-label={format(_("Fix $0 to $1"), from.label, to.label)}
                                                    onClick={() => {
                                                        setRan([]);
                                                        setFixing(pair);
                                                    }}
                                                >
                                                    {_("Fix")}
                                                </Button>
                                            </>
                                        )}
                                    </Td>
                                );
                            })}
                        </Tr>
                    ))}
                </Tbody>
            </Table>
            {fixing && r && !r.ok && (
                <Alert
                    variant="info"
                    isInline
                    title={format(_("$0 to $1"), fixing.from.label, fixing.to.label)}
                    data-fixing={pairKey(fixing)}
                >
                    <pre className="cm-command">{r.message}</pre>
                    {failure && <Alert variant="danger" isInline isPlain title={failure} />}
                    {r.cause === "host-key-unknown" ? (
                        <HostKeyTrust
                            address={fixing.to.endpoint.address}
                            from={fixing.from.label}
                            scan={() => scanFrom(runner, fixing).then((s) => s.keys)}
                            trust={async (keys) => install(fixing, await trustFrom(runner, fixing, keys))}
                            onTrusted={() => undefined}
                        />
                    ) : r.cause === "ssh-auth" ? (
                        <Button isLoading={busy} onClick={() => void run(() => install(fixing))}>
                            {format(_("Install the key of $0 on $1"), fixing.from.label, fixing.to.label)}
                        </Button>
                    ) : (
                        <p>{_("Not fixed from here: see the message.")}</p>
                    )}
                </Alert>
            )}
            <CommandLine argv={ran} label={_("Commands run")} />
        </>
    );
}
