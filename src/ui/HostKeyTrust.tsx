import { useState } from "react";
import { Alert, Button, List, ListItem } from "@patternfly/react-core";
import { scanHostKeys, trustHostKeys } from "../hosts/hostkeys";
import type { HostKey } from "../../pkg/lib/ssh";
import { useServices } from "./services";
import { errorText } from "../../pkg/lib/error-text";
import { _, format } from "../../pkg/lib/gettext";

/** Shows the fingerprints of an unknown host and appends its keys to known_hosts only on request. */
export function HostKeyTrust({
    address,
    port,
    onTrusted,
}: {
    address: string;
    port?: number | undefined;
    onTrusted(): void;
}) {
    const { runner, files } = useServices();
    const [keys, setKeys] = useState<HostKey[] | null>(null);
    const [error, setError] = useState<string | null>(null);
    const [busy, setBusy] = useState(false);
    const run = async (f: () => Promise<void>) => {
        setBusy(true);
        setError(null);
        try {
            await f();
        } catch (e) {
            setError(errorText(e));
        } finally {
            setBusy(false);
        }
    };
    return (
        <>
            {error && <Alert variant="danger" isInline isPlain title={error} />}
            {keys === null ? (
                <Button
                    variant="secondary"
                    isLoading={busy}
                    onClick={() => void run(async () => setKeys(await scanHostKeys(runner, address, port)))}
                >
                    {_("Show host key fingerprints")}
                </Button>
            ) : keys.length === 0 ? (
                <p>{format(_("$0 offered no SSH host keys."), address)}</p>
            ) : (
                <>
                    <p>
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
                                await trustHostKeys(runner, files, keys);
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
