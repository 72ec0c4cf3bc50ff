// The one-line embed of the appeal form on a partner site (docs/integrations.md):
//   <script src="https://otklik.example.ru/embed.js" data-site="invest-portal" async></script>
// or, for a published survey instead of the form: data-survey="SURVEY-ID" beside data-site.
// Puts the form's frame where the tag stands and keeps its height to the form's, from the messages of the frame
// (only messages from the form's own origin and frame are heeded).
(function () {
    var script = document.currentScript;
    if (!script) return;
    var key = script.getAttribute("data-site");
    if (!key) return;
    var survey = script.getAttribute("data-survey");
    var src = new URL("/embed/" + encodeURIComponent(key) + (survey ? "/survey/" + encodeURIComponent(survey) : ""), script.src);
    var frame = document.createElement("iframe");
    frame.src = src.href;
    frame.title = script.getAttribute("data-title") || (survey ? "Опрос" : "Форма обращения");
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.height = "640px";
    frame.setAttribute("loading", "lazy");
    script.parentNode.insertBefore(frame, script);
    window.addEventListener("message", function (e) {
        if (e.origin !== src.origin || e.source !== frame.contentWindow) return;
        var data = e.data;
        if (data && data.otklik === "embed-height" && typeof data.height === "number" && data.height > 0 && data.height < 10000)
            frame.style.height = data.height + "px";
    });
})();
