/**
 * Starlight lets a wide Markdown table scroll sideways inside the content column (on a phone most
 * of ours do). A scrolling region has to be reachable by keyboard to be scrolled without a mouse
 * (WCAG 2.1.1; axe `scrollable-region-focusable`), so every table written in Markdown/MDX gets
 * tabindex="0". Widgets' own tables are React's and untouched.
 */
export default function rehypeFocusableTables() {
  const visit = (node) => {
    if (node.type === 'element' && node.tagName === 'table') {
      node.properties = { ...node.properties, tabIndex: 0 };
    }
    if (Array.isArray(node.children)) for (const child of node.children) visit(child);
  };
  return (tree) => visit(tree);
}
