/*
 * The "For trainers" page's event log: what a course page hears from its MQTT Lab frames through
 * mqtt-lab-embed.js, one line per event, newest first. Plain JS served as a file, like the helper,
 * because it is course-page code (an example of listening), not part of a widget.
 */
(function () {
  'use strict';
  var log = document.querySelector('[data-embed-log]');
  if (!log) return;
  // resize is left out: it is constant chatter while frames load.
  ['ready', 'packet-decoded', 'step-changed', 'experiment-finished'].forEach(function (type) {
    document.addEventListener('mqtt-lab:' + type, function (event) {
      var item = document.createElement('li');
      var frame = event.target && event.target.title ? event.target.title : '';
      item.textContent = frame + ' → mqtt-lab:' + type + ' ' + JSON.stringify(event.detail);
      log.insertBefore(item, log.firstChild);
      while (log.children.length > 12) log.removeChild(log.lastElementChild);
    });
  });
})();
