import type { Node, Tree } from 'web-tree-sitter';

interface TreeIndex {
  fields: Map<number, string>;
  parents: Map<number, Node>;
}

// Asking a node for its field means scanning its parent's children, and for its parent means
// descending from the root, each step a call into WASM. One cursor walk per tree answers both
// questions for every named node from maps.
const indexes = new WeakMap<Tree, TreeIndex>();

function indexOf(tree: Tree): TreeIndex {
  let index = indexes.get(tree);
  if (index === undefined) {
    index = indexTree(tree);
    indexes.set(tree, index);
  }
  return index;
}

/** The field under which `node` hangs from its parent, or null. */
export function fieldOf(node: Node): string | null {
  return indexOf(node.tree).fields.get(node.id) ?? null;
}

/** The parent of a named node, from the tree's index. */
export function parentOf(node: Node): Node | null {
  return indexOf(node.tree).parents.get(node.id) ?? node.parent;
}

function indexTree(tree: Tree): TreeIndex {
  const index: TreeIndex = { fields: new Map(), parents: new Map() };
  const cursor = tree.walk();
  const ancestors: Node[] = [];
  let current: Node | undefined = cursor.currentNode;
  try {
    for (;;) {
      const name = cursor.currentFieldName;
      if (name !== null) index.fields.set(cursor.nodeId, name);
      if (cursor.gotoFirstChild()) {
        ancestors.push(current as Node);
        current = cursor.nodeIsNamed ? cursor.currentNode : undefined;
        if (current !== undefined) index.parents.set(current.id, ancestors.at(-1) as Node);
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return index;
        current = ancestors.pop();
      }
      current = cursor.nodeIsNamed ? cursor.currentNode : undefined;
      if (current !== undefined) index.parents.set(current.id, ancestors.at(-1) as Node);
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
