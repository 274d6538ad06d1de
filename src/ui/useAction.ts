/** The busy flag and the failure message around an admin's action (save, apply, check…), in one place. */
import { useCallback, useState } from "react";
import { errorText } from "../../pkg/lib/error-text";

export interface Action {
    /** true while a run() is under way (attempt() leaves it alone) */
    busy: boolean;
    /** what the last run() or attempt() threw, as text; cleared when the next one starts */
    failure: string | null;
    /** for a problem found without a throw (a validation), shown where a failure is */
    setFailure(text: string | null): void;
    /** busy, then the action; its failure shown; not busy again whatever happened */
    run(action: () => Promise<void>): Promise<void>;
    /** the action without the busy flag (a quick step beside a longer one): only its failure shown */
    attempt(action: () => Promise<void>): Promise<void>;
}

export function useAction(): Action {
    const [busy, setBusy] = useState(false);
    const [failure, setFailure] = useState<string | null>(null);
    const attempt = useCallback(async (action: () => Promise<void>) => {
        setFailure(null);
        try {
            await action();
        } catch (e) {
            setFailure(errorText(e));
        }
    }, []);
    const run = useCallback(
        async (action: () => Promise<void>) => {
            setBusy(true);
            await attempt(action); // never throws
            setBusy(false);
        },
        [attempt],
    );
    return { busy, failure, setFailure, run, attempt };
}
