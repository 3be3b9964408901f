// The stand-in's widget renderer: it says that it was the one picked, and for which model.
export const activate = () => ({
  renderOutputItem(item, element) {
    element.textContent = `stand-in renderer drew ${item.json().model_id}`;
  },
});
