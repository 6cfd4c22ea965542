import { createRequire as azpnCreateRequire } from 'node:module';
const require = azpnCreateRequire(import.meta.url);
const __filename = require('node:url').fileURLToPath(import.meta.url);
const __dirname = require('node:path').dirname(__filename);
const azpnIsFormData = (value) => Object.prototype.toString.call(value) === '[object FormData]';
import{b as i,d as s}from"./chunk-T3Q45KDD.js";var o=i((p,n)=>{n.exports=new Proxy({},{get(t,e){if(!(typeof e=="symbol"||e==="__esModule"||e==="then"))throw new Error("azure-devops-node-api is not part of this bundle (scripts/bundle.ts).")}})});var r=s(o(),1);function u(t,e){return new r.WebApi(t,(0,r.getBearerHandler)(e))}export{u as connectAzureDevOps};
