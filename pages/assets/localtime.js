// Adds the reader's own local time next to every meeting time shown in the
// committee's zone. Without JavaScript the committee's time stays.
(function(){
var f,me;
try{me=Intl.DateTimeFormat().resolvedOptions().timeZone;f=new Intl.DateTimeFormat(undefined,{weekday:"long",day:"numeric",month:"long",year:"numeric",hour:"2-digit",minute:"2-digit",timeZoneName:"short"})}catch(e){return}
document.querySelectorAll("time[data-tz]").forEach(function(t){
if(!me||t.getAttribute("data-tz")===me)return;
var s=document.createElement("span");s.className="yours";
s.textContent=" (your time: "+f.format(new Date(t.getAttribute("datetime")))+")";
t.after(s)})})();
