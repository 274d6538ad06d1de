// PatternFly ships the class map's types next to its CommonJS file (page.d.ts); the ES module (page.mjs,
// which also imports page.css) has the same shape.
declare module "@patternfly/react-styles/css/components/Page/page.mjs" {
    import styles from "@patternfly/react-styles/css/components/Page/page";
    export default styles;
}

declare module "@patternfly/react-styles/css/components/Alert/alert-group.mjs" {
    import styles from "@patternfly/react-styles/css/components/Alert/alert-group";
    export default styles;
}
