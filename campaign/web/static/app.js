// Progressive: every form works without this file; it adds drag-and-drop with a
// progress bar for uploads, and click-to-set for the focal point.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload-form");
  if (form) {
    const drop = document.getElementById("drop"), file = document.getElementById("file");
    const title = document.getElementById("title"), bar = document.getElementById("progress");
    ["dragenter", "dragover"].forEach(t => drop.addEventListener(t, e => { e.preventDefault(); drop.classList.add("over"); }));
    ["dragleave", "drop"].forEach(t => drop.addEventListener(t, e => { e.preventDefault(); drop.classList.remove("over"); }));
    drop.addEventListener("drop", e => {
      if (e.dataTransfer.files.length) { file.files = e.dataTransfer.files; if (!title.value) title.value = file.files[0].name.replace(/\.[^.]+$/, ""); }
    });
    file.addEventListener("change", () => { if (!title.value && file.files.length) title.value = file.files[0].name.replace(/\.[^.]+$/, ""); });
    form.addEventListener("submit", e => {
      e.preventDefault();
      const xhr = new XMLHttpRequest();
      bar.hidden = false;
      xhr.upload.onprogress = p => { if (p.lengthComputable) bar.value = 100 * p.loaded / p.total; };
      xhr.onload = () => { document.open(); document.write(xhr.responseText); document.close(); history.replaceState(null, "", xhr.responseURL); };
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "text/html");
      xhr.send(new FormData(form));
    });
  }
  const picker = document.getElementById("picker");
  if (picker && picker.dataset.editable === "yes") {
    picker.addEventListener("click", e => {
      const box = picker.getBoundingClientRect();
      const x = Math.min(1, Math.max(0, (e.clientX - box.left) / box.width));
      const y = Math.min(1, Math.max(0, (e.clientY - box.top) / box.height));
      document.getElementById("focal").style.left = (x * 100) + "%";
      document.getElementById("focal").style.top = (y * 100) + "%";
      document.getElementById("focal-x").value = x.toFixed(4);
      document.getElementById("focal-y").value = y.toFixed(4);
      document.getElementById("focal-form").submit();
    });
  }
});
