// Speaks the embed protocol from a frame that is not an embed: the helper must ignore it.
function speak() {
  parent.postMessage({ source: 'mqtt-lab', version: 1, widget: 'hex-decoder', type: 'resize', detail: { height: 5000 } }, '*');
  parent.postMessage({ source: 'mqtt-lab', version: 1, widget: 'hex-decoder', type: 'packet-decoded', detail: { count: 99, types: [], malformed: 0, incomplete: 0 } }, '*');
}
speak();
window.addEventListener('load', speak);
