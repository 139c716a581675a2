// Records what the helper re-dispatches, in arrival order, for the browser test to read.
window.embedEvents = [];
['resize', 'ready', 'packet-decoded', 'step-changed', 'experiment-finished'].forEach(function (type) {
  document.addEventListener('mqtt-lab:' + type, function (event) {
    window.embedEvents.push({ frame: event.target.id, type: type, detail: event.detail });
  });
});
