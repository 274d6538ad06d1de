import { useState } from "react";
import { Alert, Button, Form, FormGroup, TextInput } from "@patternfly/react-core";
import { AccessFailure, passwordProblem, setUpAccess, type AccessResult } from "../hosts/access";
import type { KnownHost } from "../hosts/types";
import { CommandLine } from "./CommandLine";
import { useServices } from "./services";
import { useAction } from "./useAction";
import { _, format } from "../../pkg/lib/gettext";

/**
 * Set up access: the host's password typed once, this host's key installed there, a key login checked.
 * The password lives in this form's state until the attempt ends (then it is cleared), and nowhere else.
 */
export function AccessSetup({ host, onDone }: { host: KnownHost; onDone(): void }) {
    const { runner } = useServices();
    const [password, setPassword] = useState("");
    const [done, setDone] = useState<AccessResult | null>(null);
    const [failed, setFailed] = useState<AccessFailure | null>(null);
    const { busy, failure, setFailure, run } = useAction();
    const to = { address: host.address, user: host.sshUser, port: host.sshPort };
    const submit = () => {
        const problem = passwordProblem(password);
        if (problem) return setFailure(problem);
        setFailed(null);
        void run(async () => {
            try {
                setDone(await setUpAccess(runner, to, password));
            } catch (e) {
                if (!(e instanceof AccessFailure)) throw e;
                setFailed(e);
            } finally {
                setPassword("");
            }
        });
    };
    if (done)
        return (
            <>
                <Alert variant="success" isInline title={format(_("$0 accepts this host's key"), host.address)}>
                    {format(
                        done.key.created ? _("Created $0 and installed it.") : _("Installed $0."),
                        done.key.path + ".pub",
                    )}
                </Alert>
                <CommandLine argv={done.commands} label={_("Commands run")} />
                <Button onClick={onDone}>{_("Done")}</Button>
            </>
        );
    return (
        <Form
            onSubmit={(e) => {
                e.preventDefault();
                submit();
            }}
        >
            <p>
                {format(
                    _(
                        "Type the password of $0 on $1 once: this host's public key is added to its ~/.ssh/authorized_keys, then a login with the key is checked. The password is not stored.",
                    ),
                    host.sshUser,
                    host.address,
                )}
            </p>
            {failure && <Alert variant="danger" isInline title={failure} />}
            {failed && (
                <Alert variant="danger" isInline title={failed.explained.title} data-problem={failed.explained.problem}>
                    <p>{failed.explained.fix}</p>
                    {failed.explained.message && <pre className="cm-command">{failed.explained.message}</pre>}
                    {failed.argv.length > 0 && <CommandLine argv={failed.argv} />}
                </Alert>
            )}
            <FormGroup label={format(_("Password of $0"), host.sshUser)} fieldId="access-password">
                <TextInput
                    id="access-password"
                    type="password"
                    autoComplete="off"
                    value={password}
                    onChange={(_e, v) => setPassword(v)}
                />
            </FormGroup>
            <Button type="submit" isLoading={busy} isDisabled={busy}>
                {_("Set up access")}
            </Button>
        </Form>
    );
}
