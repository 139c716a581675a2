/*
 * MQTT Lab embed helper for course pages (LMS, blogs, slides). Load it once, anywhere on the page:
 *
 *   <script src="https://<mqtt-lab-site>/embed/mqtt-lab-embed.js" defer></script>
 *
 * For every <iframe> whose src is an MQTT Lab embed (…/embed/<widget>/ or …/zh-cn/embed/<widget>/),
 * it sets the frame's height to the height the embed reports, and re-dispatches each message the
 * embed posts as a DOM CustomEvent on the iframe element, named "mqtt-lab:<type>", with the
 * message's detail as event.detail (it bubbles, so one listener on document hears every frame):
 *
 *   document.addEventListener('mqtt-lab:experiment-finished', function (event) {
 *     console.log(event.target, event.detail.correct);
 *   });
 *
 * A message is believed only when it comes from the window of such an iframe and from that
 * iframe's own origin, so another frame on the page cannot resize or speak for it.
 * Frames added later are handled too (messages are matched when they arrive). No inline code is
 * needed, so a Content-Security-Policy that allows this file is enough.
 */
(function () {
  'use strict';
  if (window.mqttLabEmbed) return; // loaded twice: one listener is enough
  var EMBED_PATH = /^\/(?:zh-cn\/)?embed\/(hex-decoder|packet-builder|topic-playground|qos-animator|broker-lab)\/?(?:index\.html)?$/;
  var MIN_HEIGHT = 80;
  var MAX_HEIGHT = 20000;

  /** The widget an iframe embeds, and its origin; null for any other frame. */
  function embedOf(frame) {
    var src = frame.getAttribute('src');
    if (!src) return null;
    var url;
    try { url = new URL(src, document.baseURI); } catch (e) { return null; }
    var match = EMBED_PATH.exec(url.pathname);
    return match ? { widget: match[1], origin: url.origin } : null;
  }

  function frameOf(source) {
    var frames = document.getElementsByTagName('iframe');
    for (var i = 0; i < frames.length; i++) if (frames[i].contentWindow === source) return frames[i];
    return null;
  }

  function onMessage(event) {
    var data = event.data;
    if (!data || typeof data !== 'object' || data.source !== 'mqtt-lab' || data.version !== 1 || typeof data.type !== 'string') return;
    var frame = frameOf(event.source);
    if (!frame) return;
    var embed = embedOf(frame);
    if (!embed || embed.origin !== event.origin || embed.widget !== data.widget) return;
    var detail = data.detail && typeof data.detail === 'object' ? data.detail : {};
    if (data.type === 'resize' && typeof detail.height === 'number' && isFinite(detail.height)) {
      var height = Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, Math.ceil(detail.height)));
      frame.style.height = height + 'px';
      frame.setAttribute('height', String(height));
    }
    if (data.type === 'ready') frame.setAttribute('data-mqtt-lab-ready', '');
    frame.dispatchEvent(new CustomEvent('mqtt-lab:' + data.type, { bubbles: true, detail: detail }));
  }

  window.addEventListener('message', onMessage);
  window.mqttLabEmbed = { version: 1 };
})();
