"use client";

import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json, jsonParseLinter } from "@codemirror/lang-json";
import { bracketMatching, HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { linter, lintGutter, lintKeymap, type Diagnostic } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { drawSelection, EditorView, keymap, lineNumbers } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { useEffect, useRef } from "react";
import { jsonPathRange } from "@/client/editor/json-path-range";
import { checkPolicyText } from "@/core/policy/policy-document-text";

const syntaxErrors = jsonParseLinter();

/** JSON syntax first (CodeMirror's parser knows where), then the policy schema the server uses, each problem at its path. */
const policyLinter = linter(
  (view): Diagnostic[] => {
    const checked = checkPolicyText(view.state.doc.toString());
    if (checked.json === undefined) return syntaxErrors(view);
    return checked.problems.map((problem) => ({ ...jsonPathRange(view.state, problem.path), severity: "error", message: `${problem.field}: ${problem.message}` }));
  },
  { delay: 150 },
);

/** Colours from the console's palette, so they keep their contrast in light and dark mode. */
const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: "var(--info)" },
  { tag: tags.string, color: "var(--ok)" },
  { tag: tags.number, color: "var(--warn)" },
  { tag: [tags.bool, tags.null], color: "var(--bad)", fontWeight: "600" },
]);

const theme = EditorView.theme({
  "&": { backgroundColor: "var(--surface)", color: "var(--text)", border: "1px solid var(--border)", borderRadius: "6px", fontSize: "0.88rem" },
  "&.cm-focused": { outline: "3px solid var(--focus)", outlineOffset: "2px" },
  // No scroll box of its own: the page scrolls, so nothing needs a keyboard stop just to scroll it.
  ".cm-scroller": { fontFamily: "var(--mono)" },
  ".cm-content": { caretColor: "var(--text)" },
  ".cm-gutters": { backgroundColor: "var(--surface-2)", color: "var(--text-muted)", borderRight: "1px solid var(--border)" },
  ".cm-tooltip": { backgroundColor: "var(--surface)", color: "var(--text)", border: "1px solid var(--border)" },
});

/**
 * The nonce of this page's Content-Security-Policy, which CodeMirror puts on
 * the <style> element it adds (style-src allows only nonced ones). Next.js
 * carries it on its scripts; browsers hide the attribute but keep the property.
 */
const cspNonce = () => document.querySelector<HTMLScriptElement>("script[nonce]")?.nonce ?? "";

interface Props {
  value: string;
  onChange: (text: string) => void;
  /** The id of the label naming the editor, and of the text describing it. */
  labelledBy: string;
  describedBy: string;
}

/**
 * The whole policy document in CodeMirror 6. Tab is left to the browser so a
 * keyboard user can leave the editor; errors are listed by F8 or the gutter,
 * and (outside the editor) by the form that owns it.
 */
export function PolicyCodeEditor({ value, onChange, labelledBy, describedBy }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latestOnChange = useRef(onChange);

  useEffect(() => {
    latestOnChange.current = onChange;
  }, [onChange]);

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          history(),
          drawSelection(),
          bracketMatching(),
          json(),
          syntaxHighlighting(highlight),
          lintGutter(),
          policyLinter,
          keymap.of([...defaultKeymap, ...historyKeymap, ...lintKeymap]),
          EditorView.lineWrapping,
          EditorView.cspNonce.of(cspNonce()),
          EditorView.contentAttributes.of({ "aria-labelledby": labelledBy, "aria-describedby": describedBy }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) latestOnChange.current(update.state.doc.toString());
          }),
          theme,
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // Created once: later values arrive through the effect below, and the label ids never change.
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const current = editor.state.doc.toString();
    if (current !== value) editor.dispatch({ changes: { from: 0, to: current.length, insert: value } });
  }, [value]);

  return <div ref={host} className="code-editor" data-testid="policy-code-editor" />;
}
