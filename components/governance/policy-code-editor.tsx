"use client";

import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json, jsonParseLinter } from "@codemirror/lang-json";
import { bracketMatching, ensureSyntaxTree, HighlightStyle, syntaxHighlighting, syntaxTree } from "@codemirror/language";
import { linter, lintGutter, lintKeymap, type Diagnostic } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { drawSelection, EditorView, keymap, lineNumbers } from "@codemirror/view";
import type { SyntaxNode } from "@lezer/common";
import { tags } from "@lezer/highlight";
import { useEffect, useRef } from "react";
import { checkPolicyText, type JsonPath } from "@/core/policy/policy-document-text";

const JSON_VALUES = new Set(["Object", "Array", "String", "Number", "True", "False", "Null"]);

function propertyNamed(object: SyntaxNode, key: string, state: EditorState): SyntaxNode | null {
  for (let property = object.firstChild; property; property = property.nextSibling) {
    const name = property.name === "Property" ? property.getChild("PropertyName") : null;
    if (!name) continue;
    try {
      if (JSON.parse(state.sliceDoc(name.from, name.to)) === key) return property.lastChild;
    } catch {
      // A name the parser recovered from is no match.
    }
  }
  return null;
}

function itemAt(array: SyntaxNode, index: number): SyntaxNode | null {
  let position = 0;
  for (let child = array.firstChild; child; child = child.nextSibling) {
    if (JSON_VALUES.has(child.name) && position++ === index) return child;
  }
  return null;
}

/**
 * Where a schema problem's path is in the text: the deepest value the path
 * reaches (a missing key points at the object that lacks it); an object or
 * array is marked by its opening bracket only, so one problem does not
 * underline half the document.
 */
function rangeOf(state: EditorState, path: JsonPath): { from: number; to: number } {
  const tree = ensureSyntaxTree(state, state.doc.length, 500) ?? syntaxTree(state);
  const top = tree.topNode.firstChild;
  if (!top) return { from: 0, to: 0 };
  let node: SyntaxNode = top;
  for (const key of path) {
    const next: SyntaxNode | null = node.name === "Object" ? propertyNamed(node, String(key), state) : node.name === "Array" && typeof key === "number" ? itemAt(node, key) : null;
    if (!next) break;
    node = next;
  }
  return node.name === "Object" || node.name === "Array" ? { from: node.from, to: node.from + 1 } : { from: node.from, to: node.to };
}

const syntaxErrors = jsonParseLinter();

/** JSON syntax first (CodeMirror's parser knows where), then the policy schema the server uses, each problem at its path. */
const policyLinter = linter(
  (view): Diagnostic[] => {
    const checked = checkPolicyText(view.state.doc.toString());
    if (checked.json === undefined) return syntaxErrors(view);
    return checked.problems.map((problem) => ({ ...rangeOf(view.state, problem.path), severity: "error", message: `${problem.field}: ${problem.message}` }));
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
  ".cm-scroller": { fontFamily: "var(--mono)", maxHeight: "28rem", overflow: "auto" },
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
