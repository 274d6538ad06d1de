import { useState } from "react";
import { Alert, Button, List, ListItem } from "@patternfly/react-core";
import { scanHostKeys, trustHostKeys } from "../hosts/hostkeys";
import type { HostKey } from "../../pkg/lib/ssh";
import { useServices } from "./services";
import { useAction } from "./useAction";
import { _, format } from "../../pkg/lib/gettext";

/**
 * Shows the fingerprints of an unknown host and appends its keys to known_hosts only on request: this host's,
 * or (`scan`, `trust`, `from`) another host's, with the keys as that host sees them.
 */
export function HostKeyTrust({
    address,
    port,
    onTrusted,
    scan,
    trust,
    from,
}: {
    address: string;
    port?: number | undefined;
    onTrusted(): void;
    scan?: () => Promise<HostKey[]>;
    trust?: (keys: HostKey[]) => Promise<void>;
    from?: string;
}) {
    const { runner, files } = useServices();
    const [keys, setKeys] = useState<HostKey[] | null>(null);
    const { busy, failure: error, run } = useAction();
    return (
        <>
            {error && <Alert variant="danger" isInline isPlain title={error} />}
            {keys === null ? (
                <Button
                    variant="secondary"
                    isLoading={busy}
                    onClick={() =>
                        void run(async () => setKeys(await (scan ? scan() : scanHostKeys(runner, address, port))))
                    }
                >
                    {_("Show host key fingerprints")}
                </Button>
            ) : keys.length === 0 ? (
                <p>{format(_("$0 offered no SSH host keys."), address)}</p>
            ) : (
                <>
                    <p>
                        {from && format(_("As $0 sees $1."), from, address)}{" "}
                        {format(
                            _(
                                "Compare these fingerprints with the ones on $0 (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) before you trust them:",
                            ),
                            address,
                        )}
                    </p>
                    <List aria-label={_("Host key fingerprints")}>
                        {keys.map((k) => (
                            <ListItem key={k.line}>
                                <code>
                                    {k.type} {k.fingerprint}
                                </code>
                            </ListItem>
                        ))}
                    </List>
                    <Button
                        variant="primary"
                        isLoading={busy}
                        onClick={() =>
                            void run(async () => {
                                await (trust ? trust(keys) : trustHostKeys(runner, files, keys));
                                onTrusted();
                            })
                        }
                    >
                        {_("Trust these keys and connect")}
                    </Button>
                </>
            )}
        </>
    );
}
