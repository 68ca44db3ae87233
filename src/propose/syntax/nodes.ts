import type { Node, Tree } from 'web-tree-sitter';

// Asking a node for its field means scanning its parent's children, each a call into WASM; one
// cursor walk per tree answers every later question from a map.
const fieldsByTree = new WeakMap<Tree, Map<number, string>>();

/** The field under which `node` hangs from its parent, or null. */
export function fieldOf(node: Node): string | null {
  let fields = fieldsByTree.get(node.tree);
  if (fields === undefined) {
    fields = indexFields(node.tree);
    fieldsByTree.set(node.tree, fields);
  }
  return fields.get(node.id) ?? null;
}

function indexFields(tree: Tree): Map<number, string> {
  const fields = new Map<number, string>();
  const cursor = tree.walk();
  try {
    for (;;) {
      const name = cursor.currentFieldName;
      if (name !== null) fields.set(cursor.nodeId, name);
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return fields;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** The operator token of a binary or unary node: its first anonymous child that is not a bracket. */
export function operatorOf(node: Node): Node | undefined {
  for (let index = 0; index < node.childCount; index++) {
    const child = node.child(index);
    if (child !== null && !child.isNamed && child.type !== '(' && child.type !== ')') return child;
  }
  return undefined;
}
