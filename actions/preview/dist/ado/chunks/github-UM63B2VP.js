import { createRequire as azpnCreateRequire } from 'node:module';
const require = azpnCreateRequire(import.meta.url);
const __filename = require('node:url').fileURLToPath(import.meta.url);
const __dirname = require('node:path').dirname(__filename);
const azpnIsFormData = (value) => Object.prototype.toString.call(value) === '[object FormData]';
import{c as o}from"./chunk-ES7BPTNW.js";var r=o((n,e)=>{e.exports=new Proxy({},{get(s,t){if(!(typeof t=="symbol"||t==="__esModule"||t==="then"))throw new Error("@actions/github is not part of this bundle (scripts/bundle.ts).")}})});export default r();
