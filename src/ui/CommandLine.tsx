import { useState, type ReactNode } from "react";
import { Button, CodeBlock, CodeBlockAction, CodeBlockCode } from "@patternfly/react-core";
import { displayCommand } from "../virsh/argv";
import { _ } from "../../pkg/lib/gettext";

/** The exact command an action runs, copyable. `argv` is the array that is (or will be) run. */
export function CommandLine({
    argv,
    label = _("Equivalent command"),
}: {
    argv: readonly string[] | readonly (readonly string[])[];
    label?: string;
}) {
    const lines = (Array.isArray(argv[0]) ? (argv as readonly (readonly string[])[]) : [argv as readonly string[]]).map(
        displayCommand,
    );
    return <CodeText text={lines.join("\n")} label={label} copyLabel={_("Copy command")} />;
}

/**
 * A script, commands, a document or their output to read and copy, with a Copy action. Nothing at all when
 * there is no text: an empty code block says nothing. `children`: how the text is shown, when not as it is
 * (a diff's lines in colour); Copy copies `text`. `maxHeight`: a long one scrolls within it.
 */
export function CodeText({
    text,
    label,
    copyLabel,
    maxHeight,
    children,
}: {
    text: string;
    label: string;
    copyLabel: string;
    maxHeight?: string;
    children?: ReactNode;
}) {
    const [copied, setCopied] = useState(false);
    if (!text.trim()) return null;
    const copy = () => {
        void navigator.clipboard?.writeText(text).then(
            () => {
                setCopied(true);
                setTimeout(() => setCopied(false), 2000);
            },
            () => undefined,
        );
    };
    return (
        <CodeBlock
            actions={
                <CodeBlockAction>
                    <Button variant="plain" onClick={copy} aria-label={copyLabel}>
                        {copied ? _("Copied") : _("Copy")}
                    </Button>
                </CodeBlockAction>
            }
        >
            <CodeBlockCode
                aria-label={label}
                className="cm-command"
                {...(maxHeight ? { style: { maxHeight, overflow: "auto" } } : {})}
            >
                {children ?? text}
            </CodeBlockCode>
        </CodeBlock>
    );
}
