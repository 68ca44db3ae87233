export function render(template, data) {
  return template;
}
