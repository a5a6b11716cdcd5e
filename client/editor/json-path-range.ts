import { ensureSyntaxTree, syntaxTree } from "@codemirror/language";
import type { EditorState } from "@codemirror/state";
import type { SyntaxNode } from "@lezer/common";
import type { JsonPath } from "@/core/policy/policy-document-text";

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
 * Where a schema problem's path is in a JSON editor's text: the deepest value
 * the path reaches (a missing key points at the object that lacks it); an
 * object or array is marked by its opening bracket only, so one problem does
 * not underline half the document. The state must hold lang-json's parser.
 */
export function jsonPathRange(state: EditorState, path: JsonPath): { from: number; to: number } {
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
