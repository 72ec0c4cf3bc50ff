// Inside the partner form's frame (/embed/{key}): tells the page around it how tall the form is, so that the frame
// has no scroll bar of its own. Only a number leaves the frame, so any parent may hear it.
(function () {
    if (window.parent === window) return;
    var last = 0;
    function tell() {
        var height = Math.ceil(document.documentElement.scrollHeight);
        if (height === last) return;
        last = height;
        window.parent.postMessage({ otklik: "embed-height", height: height }, "*");
    }
    document.addEventListener("DOMContentLoaded", function () {
        tell();
        if (window.ResizeObserver) new ResizeObserver(tell).observe(document.body);
        window.addEventListener("load", tell);
    });
})();
